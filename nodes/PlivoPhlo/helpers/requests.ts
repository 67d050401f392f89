import type { IDataObject } from 'n8n-workflow';

import {
	parseAddress,
	parseNodeId,
	parsePayload,
	parsePhloId,
	parsePlainId,
	parseRole,
} from './validation';

/** Multi-Party Call actions that dial someone: sent to the node with who to dial and who asked. */
export type DialAction = 'call' | 'warm_transfer' | 'cold_transfer';
/** Multi-Party Call actions on a member already in the call: sent to the member's URL. */
export type MemberAction =
	| 'abort_transfer'
	| 'hold'
	| 'unhold'
	| 'hangup'
	| 'resume_call'
	| 'voicemail_drop';

/** Who a request is about; repeated in error items so a failure can be traced to a person. */
export interface RequestTarget {
	to?: string;
	trigger_source?: string;
	member_address?: string;
}

export interface PhloRequest {
	method: 'GET' | 'POST';
	/** Path below the base URL, starting with `/v1/`. Every segment is validated or encoded. */
	path: string;
	/** JSON body, keys in the order Plivo's SDKs send them. */
	body?: IDataObject;
	target: RequestTarget;
}

/** Encodes a path segment but keeps `+`, `:` and `@` readable, as Plivo's SDKs send them. */
export function encodePathSegment(segment: string): string {
	return encodeURIComponent(segment).replace(/%(2B|3A|40)/gi, (escape) =>
		decodeURIComponent(escape),
	);
}

const multiPartyCallPath = (phloId: unknown, nodeId: unknown): string =>
	`/v1/phlo/${encodePathSegment(parsePhloId(phloId))}/multi_party_call/${encodePathSegment(parseNodeId(nodeId))}`;

export interface DialInput {
	phloId: unknown;
	nodeId: unknown;
	to: unknown;
	role: unknown;
	triggerSource: unknown;
}

export function buildDialRequest(action: DialAction, input: DialInput): PhloRequest {
	const path = multiPartyCallPath(input.phloId, input.nodeId);
	const to = parseAddress('to', input.to);
	const role = parseRole(input.role);
	const triggerSource = parseAddress('triggerSource', input.triggerSource);
	return {
		method: 'POST',
		path,
		body: { action, to, role, trigger_source: triggerSource },
		target: { to, trigger_source: triggerSource },
	};
}

export interface MemberInput {
	phloId: unknown;
	nodeId: unknown;
	memberAddress: unknown;
}

export function buildMemberActionRequest(action: MemberAction, input: MemberInput): PhloRequest {
	const path = multiPartyCallPath(input.phloId, input.nodeId);
	const memberAddress = parseAddress('memberAddress', input.memberAddress);
	return {
		method: 'POST',
		path: `${path}/members/${encodePathSegment(memberAddress)}`,
		body: { action },
		target: { member_address: memberAddress },
	};
}

export function buildGetMultiPartyCallRequest(input: { phloId: unknown; nodeId: unknown }): PhloRequest {
	return { method: 'GET', path: multiPartyCallPath(input.phloId, input.nodeId), target: {} };
}

export function buildRunPhloRequest(input: {
	authId: unknown;
	phloId: unknown;
	payload: unknown;
}): PhloRequest {
	const authId = parsePlainId('authId', input.authId, 'set the Auth ID in the Plivo PHLO credential');
	const phloId = parsePhloId(input.phloId);
	const payload = parsePayload(input.payload);
	const target: RequestTarget = {};
	if (typeof payload.to === 'string') target.to = payload.to;
	return {
		method: 'POST',
		path: `/v1/account/${encodePathSegment(authId)}/phlo/${encodePathSegment(phloId)}`,
		body: payload,
		target,
	};
}

export function buildGetPhloRequest(input: { phloId: unknown }): PhloRequest {
	return {
		method: 'GET',
		path: `/v1/phlo/${encodePathSegment(parsePhloId(input.phloId))}`,
		target: {},
	};
}
