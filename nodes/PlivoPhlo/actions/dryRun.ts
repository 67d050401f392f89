import type { IDataObject } from 'n8n-workflow';

import type { PhloRequest } from '../helpers/requests';
import type { SentKeyStore } from '../storage/sentKeyStore';
import type { PhloTransport } from '../transport';
import type { GuardVerdicts } from './guards';

type DeduplicationVerdict = 'off' | { key: string; verdict: 'would send' | 'would skip' | 'not checked'; reason?: string };

async function deduplicationVerdict(store: SentKeyStore | undefined, key: string): Promise<DeduplicationVerdict> {
	if (!store || !key) return 'off';
	const skip = await store.wouldSkip(key);
	if (skip === undefined) {
		return { key, verdict: 'not checked', reason: 'the Shared Database store can be read only by recording the key, which a dry run does not do' };
	}
	return { key, verdict: skip ? 'would skip' : 'would send' };
}

/**
 * A dry run's output for an item the guards let through: the request as it would be sent (never the
 * Auth Token, which only the credential holds) and each guard's verdict. Nothing is sent, no key is
 * claimed and no turn is taken; a turn further off than Max Wait for Turn fails the item as it would
 * for real.
 */
export async function rehearse(
	request: PhloRequest,
	guards: GuardVerdicts,
	deduplication: { store: SentKeyStore | undefined; key: string },
	transport: PhloTransport,
): Promise<IDataObject> {
	const { waitSeconds, ...wouldSend } = transport.rehearse(request);
	const verdict = await deduplicationVerdict(deduplication.store, deduplication.key);
	const skipped = typeof verdict === 'object' && verdict.verdict === 'would skip';
	return {
		dryRun: true,
		request: wouldSend as IDataObject,
		guards: {
			...guards,
			deduplication: verdict,
			pace: skipped ? 'not asked: the item would be skipped' : { wouldWaitSeconds: waitSeconds },
		} as IDataObject,
	};
}
