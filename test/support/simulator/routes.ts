/**
 * The runner's normal answers, as values: the server decides when and how they are written (latency,
 * faults), this module only what they say.
 */
import { randomUUID } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';

import { DIAL_ACTIONS, MEMBER_ACTIONS, MESSAGES, ROLES } from './constants';
import { plivoTimestamp, type PhloRegistry } from './registry';
import { ALLOWED_METHODS, isObject, type ParsedPath } from './request';
import type { RecordedRequest } from './types';

export interface Answer {
	status: number;
	body: Record<string, unknown>;
	headers?: OutgoingHttpHeaders;
}

/** Plivo's error shape. */
export const plivoError = (status: number, error: string, headers?: OutgoingHttpHeaders): Answer => ({
	status,
	body: { api_id: randomUUID(), error },
	headers,
});

const success = (status: number, body: Record<string, unknown>): Answer => ({ status, body });

export class Routes {
	constructor(
		private readonly account: { authId: string; accountName: string },
		private readonly registry: PhloRegistry,
	) {}

	/** The normal answer: route, method, credentials, registry, body validation, in that order. */
	answer(record: RecordedRequest, parsed: ParsedPath, jsonError: boolean): Answer {
		if (parsed.pattern === undefined) return plivoError(404, MESSAGES.notFound);
		if (record.route === undefined) {
			return plivoError(405, MESSAGES.methodNotAllowed, { Allow: ALLOWED_METHODS[parsed.pattern].join(', ') });
		}
		if (!record.authenticated) return plivoError(401, MESSAGES.unauthorized);
		if (parsed.accountId !== undefined && parsed.accountId !== this.account.authId) {
			return plivoError(401, MESSAGES.accountMismatch);
		}
		if (record.route === 'account.get') return success(200, this.accountObject(randomUUID()));

		const phlo = this.registry.phlo(parsed.phloId);
		if (!phlo) return plivoError(404, MESSAGES.phloNotFound);
		if (record.route === 'phlo.get') {
			return success(200, { api_id: randomUUID(), phlo_id: phlo.phloId, name: phlo.name, created_on: phlo.createdOn });
		}
		if (record.route === 'phlo.run') {
			if (jsonError) return plivoError(400, MESSAGES.invalidJson);
			// No body, or `""` (what the plivo SDK sends for run() without a payload), is an empty payload.
			const payload = record.json === undefined || record.json === '' ? {} : record.json;
			if (!isObject(payload)) return plivoError(400, MESSAGES.payloadNotObject);
			const apiId = randomUUID();
			return success(201, { api_id: apiId, phlo_id: phlo.phloId, name: phlo.name, message: MESSAGES.runStarted(apiId) });
		}

		const node = this.registry.node(phlo, parsed.nodeId);
		if (!node) return plivoError(404, MESSAGES.nodeNotFound);
		if (record.route === 'multiPartyCall.get') {
			return success(200, {
				api_id: randomUUID(),
				node_id: node.nodeId,
				phlo_id: node.phloId,
				name: node.name,
				node_type: 'multi_party_call',
				created_on: node.createdOn,
			});
		}

		// POST to the node or to a member: validate the body.
		const invalid = jsonError ? MESSAGES.invalidJson : validateAction(record);
		if (invalid !== undefined) return plivoError(400, invalid);
		return success(201, { api_id: randomUUID(), error: '' });
	}

	/**
	 * The body the route answers on success, whatever the registry says: what the truncated and
	 * cut-off faults send part of, since a fault replaces routing.
	 */
	successBody(record: RecordedRequest): Record<string, unknown> {
		const apiId = randomUUID();
		const phlo = this.registry.phlo(record.phloId);
		switch (record.route) {
			case 'phlo.get':
				return { api_id: apiId, phlo_id: record.phloId, name: phlo?.name ?? 'PHLO', created_on: phlo?.createdOn ?? plivoTimestamp() };
			case 'phlo.run':
				return { api_id: apiId, phlo_id: record.phloId, name: phlo?.name ?? 'PHLO', message: MESSAGES.runStarted(apiId) };
			case 'account.get':
				return this.accountObject(apiId);
			case 'multiPartyCall.get': {
				const node = this.registry.node(phlo, record.nodeId);
				return {
					api_id: apiId,
					node_id: record.nodeId,
					phlo_id: record.phloId,
					name: node?.name ?? 'Multi-Party Call_1',
					node_type: 'multi_party_call',
					created_on: node?.createdOn ?? plivoTimestamp(),
				};
			}
			default:
				return { api_id: apiId, error: '' };
		}
	}

	private accountObject(apiId: string): Record<string, unknown> {
		return {
			account_type: 'standard',
			address: '',
			api_id: apiId,
			auth_id: this.account.authId,
			auto_recharge: false,
			billing_mode: 'prepaid',
			cash_credits: '10.00000',
			city: '',
			name: this.account.accountName,
			resource_uri: `/v1/Account/${this.account.authId}/`,
			state: '',
			timezone: 'Etc/UTC',
		};
	}
}

function validateAction(record: RecordedRequest): string | undefined {
	const json = record.json;
	if (!isObject(json)) return MESSAGES.bodyNotObject;
	const action = json.action;
	if (action === undefined || action === null || action === '') return MESSAGES.missingAction;
	const actionText = typeof action === 'string' ? action : JSON.stringify(action);
	if (record.route === 'multiPartyCall.member') {
		return (MEMBER_ACTIONS as readonly unknown[]).includes(action) ? undefined : MESSAGES.invalidMemberAction(actionText);
	}
	if (!(DIAL_ACTIONS as readonly unknown[]).includes(action)) return MESSAGES.invalidDialAction(actionText);
	if (typeof json.to !== 'string' || json.to.trim() === '') return MESSAGES.missingTo;
	if (typeof json.trigger_source !== 'string' || json.trigger_source.trim() === '') return MESSAGES.missingTriggerSource;
	if (!(ROLES as readonly unknown[]).includes(json.role)) {
		return MESSAGES.invalidRole(typeof json.role === 'string' ? json.role : String(JSON.stringify(json.role)));
	}
	return undefined;
}
