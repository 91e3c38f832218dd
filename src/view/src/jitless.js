// Imported first: zod (inside the MCP SDK) probes `new Function` on its first parse unless told not to, and under a
// host's CSP without 'unsafe-eval' that probe is a reported violation. The App constructor sets this too, but later.
import { config } from 'zod';

config({ jitless: true });
