// Following a running job: the status tool with wait_seconds, one call after another, at most 2 a second and none
// once the job has ended (contract §11). Time and the tool call are injected, so tests drive it without a browser.

/** The status tool's wait: the answer comes at the end, or after this long with the news so far. */
export const WAIT_SECONDS = 1;

/** Never two status calls closer than this (2 calls a second at most, even when answers come back at once). */
export const MIN_SPACING_MS = 500;

export const TOOLS = {
  batch: { status: 'replicate_batch_status', cancel: 'replicate_batch_cancel', retry: 'replicate_batch_retry', id: 'job_id' },
  pipeline: { status: 'replicate_pipeline_status', cancel: 'replicate_pipeline_cancel', retry: 'replicate_pipeline_retry', id: 'pipeline_id' },
};

export class Follower {
  #call;
  #now;
  #sleep;
  #onStatus;
  #onError;
  #lastCallAt = -Infinity;
  #running = false;

  /**
   * @param {(name: string, args: object) => Promise<object>} call a tools/call through the host; resolves to the result
   * @param {{ now: () => number, sleep: (ms: number) => Promise<void>, onStatus: (s: object) => void, onError: (text: string) => void }} hooks
   */
  constructor(call, { now, sleep, onStatus, onError }) {
    this.#call = call;
    this.#now = now;
    this.#sleep = sleep;
    this.#onStatus = onStatus;
    this.#onError = onError;
  }

  get following() {
    return this.#running;
  }

  /** Follows job `id` of `kind` while `isRunning()` says so; a second call while following does nothing. */
  async follow(kind, id, isRunning) {
    if (this.#running) return;
    this.#running = true;
    try {
      while (isRunning()) {
        const gap = this.#now() - this.#lastCallAt;
        if (gap < MIN_SPACING_MS) await this.#sleep(MIN_SPACING_MS - gap);
        if (!isRunning()) break;
        this.#lastCallAt = this.#now();
        const tools = TOOLS[kind];
        const result = await this.#call(tools.status, { [tools.id]: id, wait_seconds: WAIT_SECONDS });
        if (result?.isError) {
          this.#onError(textOf(result));
          break;
        }
        this.#onStatus(result?.structuredContent);
      }
    } catch (error) {
      this.#onError(`Following stopped: ${error?.message ?? error}`);
    } finally {
      this.#running = false;
    }
  }
}

/** The text blocks of a tool result, joined. */
export function textOf(result) {
  return (result?.content ?? []).filter((c) => c?.type === 'text').map((c) => String(c.text)).join('\n');
}
