// The only way the view builds DOM: elements, attributes from a short safe list, and text nodes. Everything a job
// shows (prompts, outputs, errors, logs, file names) is written by users and models, so none of it ever goes through
// innerHTML, an href or an event-handler attribute (contract §11, "untrusted text stays text").
const SAFE_ATTRIBUTES = new Set(['class', 'title', 'type', 'role', 'alt', 'width', 'height', 'hidden', 'tabindex']);

/** An element with attributes (class, aria-*, data-*, and a few plain ones) and children (nodes or strings, as text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (!SAFE_ATTRIBUTES.has(name) && !name.startsWith('aria-') && !name.startsWith('data-')) {
      throw new Error(`h(): attribute ${name} is not on the safe list`);
    }
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A button that runs `onClick`; its visible text is its label. */
export function button(label, onClick, attributes = {}) {
  const element = h('button', { type: 'button', ...attributes }, label);
  element.addEventListener('click', onClick);
  return element;
}

/** Replaces the children of `element` with `children`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

const IMAGE_TYPES = new Set(['image/webp', 'image/png', 'image/jpeg']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** An <img> of a thumbnail the server sent, or null when it is not plainly base64 image data of a known type. */
export function thumbnailImage(thumbnail, alt) {
  if (!IMAGE_TYPES.has(thumbnail?.mime_type) || typeof thumbnail.data !== 'string' || !BASE64.test(thumbnail.data)) return null;
  const image = h('img', { alt, class: 'thumb', width: thumbnail.width, height: thumbnail.height });
  image.src = `data:${thumbnail.mime_type};base64,${thumbnail.data}`;
  return image;
}
