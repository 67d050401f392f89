import type { IDataObject } from 'n8n-workflow';

import type { Destination } from './destinations';
import type { RequestTarget } from './failures';
import { parseNodeId, parsePhloId } from './ids';

export interface PhloRequest {
	method: 'GET' | 'POST';
	/** Path below the base URL, starting with `/v1/`. Every segment is validated or encoded. */
	path: string;
	/** JSON body, keys in the order Plivo's SDKs send them. */
	body?: IDataObject;
	target: RequestTarget;
	/**
	 * Every address the request can make Plivo dial, each checked against Allowed Destinations; `[]`
	 * when it dials nobody. Required, so that an operation cannot leave the check out by omission.
	 */
	destinations: Destination[];
}

/** What every operation knows about the account it runs for. */
export interface PhloAccount {
	authId: string;
}

/** Encodes a path segment but keeps `+`, `:` and `@` readable, as Plivo's SDKs send them. */
export function encodePathSegment(segment: string): string {
	return encodeURIComponent(segment).replace(/%(2B|3A|40)/gi, (escape) => decodeURIComponent(escape));
}

/** `/v1/phlo/{phlo_id}`, from a PHLO ID or a URL holding one. */
export const phloPath = (phloId: unknown): string => `/v1/phlo/${encodePathSegment(parsePhloId(phloId))}`;

/** `/v1/phlo/{phlo_id}/multi_party_call/{node_id}`: where every Multi-Party Call request goes. */
export const multiPartyCallPath = (phloId: unknown, nodeId: unknown): string =>
	`${phloPath(phloId)}/multi_party_call/${encodePathSegment(parseNodeId(nodeId))}`;
