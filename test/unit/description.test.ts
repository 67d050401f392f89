import { NodeHelpers, type INodeParameters, type INodeProperties, type INodePropertyOptions } from 'n8n-workflow';

import { PlivoPhloApi } from '../../credentials/PlivoPhloApi.credentials';
import * as multiPartyCall from '../../nodes/PlivoPhlo/actions/multiPartyCall/MultiPartyCall.resource';
import * as phlo from '../../nodes/PlivoPhlo/actions/phlo/Phlo.resource';
import { PlivoPhlo } from '../../nodes/PlivoPhlo/PlivoPhlo.node';
import { FIELDS_BY_OPERATION, FIELDS_WITH_FORMAT } from '../support/fieldContract';

const { description } = new PlivoPhlo();

/** The fields n8n's editor shows for a resource and operation, computed the way the editor does. */
function visibleFields(resource: string, operation: string): string[] {
	const parameters: INodeParameters = { resource, operation };
	return description.properties
		.filter((property) => NodeHelpers.displayParameter(parameters, property, null, description))
		.map((property) => property.name)
		.filter((name) => !['resource', 'operation'].includes(name));
}

const operationSelectors = description.properties.filter((property) => property.name === 'operation');

describe('node description', () => {
	it('keeps the type, version and tool flag users depend on', () => {
		expect(description.name).toBe('plivoPhlo');
		expect(description.displayName).toBe('Plivo PHLO');
		expect(description.version).toBe(1);
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'plivoPhloApi', required: true }]);
		expect(description.icon).toEqual({ light: 'file:plivo.svg', dark: 'file:plivo.dark.svg' });
	});

	it('shows or hides each parameter by parameters n8n 1.x can resolve first', () => {
		// n8n 1.x orders parameters by what their displayOptions name and gives up ("Max iterations
		// reached") on a name that is no parameter at the same level; a path from the root ('/…') it trusts.
		const check = (properties: INodeProperties[]): string[] =>
			properties.flatMap((property) => {
				const names = Object.values(property.displayOptions ?? {}).flatMap((rule) => Object.keys(rule ?? {}));
				const unresolvable = names.filter((name) => !name.startsWith('/') && !name.startsWith('@') && !properties.some((other) => other.name === name));
				const children = (property.options ?? []).filter((option): option is INodeProperties => 'type' in option);
				return [...unresolvable.map((name) => `${property.name}: ${name}`), ...check(children)];
			});
		expect(check(description.properties)).toEqual([]);
	});

	it('defaults to Multi-Party Call > Add User, role agent, payload {}', () => {
		const defaults = NodeHelpers.getNodeParameters(description.properties, {}, true, false, null, description);
		expect(defaults).toMatchObject({ resource: 'multiPartyCall', operation: 'addUser', role: 'agent' });
		const runDefaults = NodeHelpers.getNodeParameters(
			description.properties,
			{ resource: 'phlo', operation: 'run' },
			true,
			false,
			null,
			description,
		);
		expect(runDefaults).toMatchObject({ payload: '{}' });
	});

	it.each(
		Object.entries(FIELDS_BY_OPERATION).flatMap(([resource, operations]) =>
			Object.entries(operations).map(([operation, fields]) => [resource, operation, fields] as const),
		),
	)('%s > %s shows exactly its fields, then Options', (resource, operation, fields) => {
		expect(visibleFields(resource, operation)).toEqual([...fields, 'options']);
	});

	it('lists every operation with a name, a description and an action, sorted by name', () => {
		for (const selector of operationSelectors) {
			const options = selector.options as INodePropertyOptions[];
			const names = options.map((option) => option.name);
			expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
			for (const option of options) {
				expect(option.description).toEqual(expect.any(String));
				expect(option.action).toEqual(expect.any(String));
			}
		}
	});

	it('has an implementation for every operation it lists, and lists every implementation', () => {
		const implemented: Record<string, object> = {
			multiPartyCall: multiPartyCall.operations,
			phlo: phlo.operations,
		};
		for (const selector of operationSelectors) {
			const [resource] = selector.displayOptions?.show?.resource as string[];
			const listed = (selector.options as INodePropertyOptions[]).map((option) => option.value).sort();
			expect(Object.keys(implemented[resource]).sort()).toEqual(listed);
			expect(Object.keys(FIELDS_BY_OPERATION[resource]).sort()).toEqual(listed);
		}
	});

	it('describes every field, and gives a placeholder where the format matters', () => {
		const fields = description.properties.filter((property) => !['resource', 'operation'].includes(property.name));
		// A notice's text is its display name; a collection's options carry their own descriptions.
		for (const field of fields.filter((property) => !['collection', 'notice'].includes(property.type))) {
			expect(field.description).toEqual(expect.any(String));
		}
		for (const field of fields.filter((property) => FIELDS_WITH_FORMAT.includes(property.name))) {
			expect(field.placeholder).toEqual(expect.any(String));
		}
	});

	it('offers a timeout in the options, defaulting to a minute', () => {
		const options = description.properties.find((property) => property.name === 'options');
		const timeout = (options?.options as INodeProperties[]).find((option) => option.name === 'timeout');
		expect(timeout?.default).toBe(60_000);
	});
});

describe('credential description', () => {
	const credential = new PlivoPhloApi();

	it('has the contract fields, the token masked, Plivo as the default base URL', () => {
		expect(credential.name).toBe('plivoPhloApi');
		expect(credential.displayName).toBe('Plivo PHLO API');
		const byName = Object.fromEntries(credential.properties.map((property) => [property.name, property]));
		expect(Object.keys(byName)).toEqual(['authId', 'authToken', 'baseUrl']);
		expect(byName.authId).toMatchObject({ type: 'string', required: true });
		expect(byName.authToken).toMatchObject({ type: 'string', required: true, typeOptions: { password: true } });
		expect(byName.baseUrl).toMatchObject({ type: 'string', default: 'https://phlorunner.plivo.com' });
	});

	it('authenticates with HTTP Basic, trimming pasted whitespace', async () => {
		const options = await credential.authenticate(
			{ authId: ' MAXXXXXXXXXXXXXXXXXX ', authToken: 'secret\n' },
			{ url: '/v1/phlo/x', headers: { Accept: 'application/json' } },
		);
		expect(options).toEqual({
			url: '/v1/phlo/x',
			headers: { Accept: 'application/json' },
			auth: { username: 'MAXXXXXXXXXXXXXXXXXX', password: 'secret' },
		});
	});

	it('tests the credential against the Account endpoint', () => {
		expect(credential.test.request.method).toBe('GET');
		expect(credential.test.request.url).toContain('/v1/Account/');
	});
});
