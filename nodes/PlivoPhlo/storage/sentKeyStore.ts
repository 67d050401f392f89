/**
 * Remembers Deduplication Keys, so that an item whose key went to Plivo before is skipped. An item
 * claims its key before its request is sent, which keeps items running at the same time apart; the
 * claim ends when Plivo's answer is known.
 */
export interface SentKeyStore {
	/** Whether an item with the key would be skipped, taking nothing (a dry run); undefined when the store cannot tell without recording the key. */
	wouldSkip(key: string): Promise<boolean | undefined>;
	/** Takes the key for an item about to be sent; false when it was taken (claimed or sent) before. */
	claim(key: string): Promise<boolean>;
	/** The request reached Plivo, or may have: the key stays taken. */
	keep(key: string): Promise<void>;
	/** Nothing reached Plivo, or Plivo refused: the key is free for a later item. */
	release(key: string): Promise<void>;
	/** The run is over. */
	close(): void;
}
