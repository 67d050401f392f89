import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, PLIVO_API_BASE_URL, PLIVO_PHLO_BASE_URL } from '../nodes/PlivoPhlo/helpers/defaults';

/** The Base URL as the node uses it: trimmed, without trailing slashes. */
const baseUrlExpression = '($credentials.baseUrl || "").trim().replace(/\\/+$/, "")';

export class PlivoPhloApi implements ICredentialType {
	name = CREDENTIAL_TYPE;

	displayName = 'Plivo PHLO API';

	icon: Icon = {
		light: 'file:../nodes/PlivoPhlo/plivo.svg',
		dark: 'file:../nodes/PlivoPhlo/plivo.dark.svg',
	};

	documentationUrl = 'https://www.plivo.com/docs/phlo/api/';

	properties: INodeProperties[] = [
		{
			displayName: 'Auth ID',
			name: 'authId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'MAXXXXXXXXXXXXXXXXXX',
			description: "Your account's Auth ID, shown on the overview page of Plivo's console",
		},
		{
			displayName: 'Auth Token',
			name: 'authToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "Your account's Auth Token, shown next to the Auth ID in Plivo's console",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: PLIVO_PHLO_BASE_URL,
			description:
				"Plivo's PHLO runner. Change it only to point at a test double or a staging endpoint; plain http:// is accepted for loopback addresses only.",
		},
	];

	/**
	 * A function rather than a generic `{{$credentials…}}` template: n8n resolves a template's
	 * expressions on every request, which costs more than the request itself in bulk runs.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			auth: {
				username: String(credentials.authId ?? '').trim(),
				password: String(credentials.authToken ?? '').trim(),
			},
		};
	}

	/**
	 * The PHLO runner has no endpoint that only checks credentials, so the test reads the account
	 * from Plivo's REST API (`GET /v1/Account/{auth_id}/`): 200 for a valid Auth ID and Token, 401
	 * otherwise. With a custom base URL the same path is asked of that URL instead.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ${baseUrlExpression} === "${PLIVO_PHLO_BASE_URL}" ? "${PLIVO_API_BASE_URL}" : ${baseUrlExpression} }}`,
			url: '=/v1/Account/{{ ($credentials.authId || "").trim() }}/',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'Plivo refused the Auth ID and Auth Token (HTTP 401): check both in the Plivo console',
				},
			},
		],
	};
}
