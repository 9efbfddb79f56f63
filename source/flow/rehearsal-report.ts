// The rehearsal as the flow takes it: source/system/rehearsal.ts's rehearseFiles, or a stand-in in tests.
import type {rehearseFiles} from '../system/rehearsal.js';

export type {RehearsalReport} from '../system/rehearsal.js';

/** rehearseFiles: fail(...) means it should have run but broke (timeout, crash). */
export type RehearseFiles = typeof rehearseFiles;
