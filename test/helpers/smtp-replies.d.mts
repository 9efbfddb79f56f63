// Types of smtp-replies.mjs, for the TypeScript tests and helpers.

/** Takes the next chunk of text; returns the replies it completed, each as its lines. */
export type ReplyReader = (chunk: string) => string[][];

export function replyReader(): ReplyReader;

export type TimedReply = {reply: string; ms: number};

export function smtpConversation(host: string, port: number, lines: readonly string[], timeoutMs: number): Promise<TimedReply[]>;
