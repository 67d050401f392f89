/**
 * The PHLOs and Multi-Party Call nodes the simulator knows. Built once at start from the options and
 * never changed afterwards, so `reset()` has nothing to restore.
 */
import { randomUUID } from 'node:crypto';

import { DEMO_CREATED_ON, DEMO_NODE_ID, DEMO_NODE_NAME, DEMO_PHLO_ID, DEMO_PHLO_NAME } from './constants';
import type { MultiPartyCallNodeInit, PhloInit, SimulatorOptions } from './types';

export interface MultiPartyCallNode {
	nodeId: string;
	phloId: string;
	name: string;
	createdOn: string;
}

export interface Phlo {
	phloId: string;
	name: string;
	createdOn: string;
	/** Keyed by lower-case node ID. */
	nodes: Map<string, MultiPartyCallNode>;
}

/** Plivo's `created_on` format (Python's str(datetime) in UTC): `2018-11-14 04:41:31.827796+00:00`. */
export function plivoTimestamp(date: Date = new Date()): string {
	const iso = date.toISOString(); // 2024-01-02T03:04:05.678Z
	return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000+00:00`;
}

/** IDs are matched without regard to case: Plivo's are UUIDs, which clients may send in either case. */
export class PhloRegistry {
	private readonly phlos = new Map<string, Phlo>();

	constructor(options: Pick<SimulatorOptions, 'seedDemoPhlo' | 'phlos'>) {
		if (options.seedDemoPhlo ?? true) {
			this.add({
				phloId: DEMO_PHLO_ID,
				name: DEMO_PHLO_NAME,
				createdOn: DEMO_CREATED_ON,
				nodes: [{ nodeId: DEMO_NODE_ID, name: DEMO_NODE_NAME, createdOn: DEMO_CREATED_ON }],
			});
		}
		for (const init of options.phlos ?? []) this.add(init);
	}

	phlo(phloId: string | undefined): Phlo | undefined {
		return phloId === undefined ? undefined : this.phlos.get(phloId.toLowerCase());
	}

	node(phlo: Phlo | undefined, nodeId: string | undefined): MultiPartyCallNode | undefined {
		return nodeId === undefined ? undefined : phlo?.nodes.get(nodeId.toLowerCase());
	}

	private add(init: PhloInit): void {
		const phloId = init.phloId ?? randomUUID();
		const key = phloId.toLowerCase();
		if (this.phlos.has(key)) throw new Error(`PHLO ${phloId} already exists`);
		const phlo: Phlo = {
			phloId,
			name: init.name ?? `PHLO ${this.phlos.size + 1}`,
			createdOn: init.createdOn ?? plivoTimestamp(),
			nodes: new Map(),
		};
		this.phlos.set(key, phlo);
		for (const node of init.nodes ?? []) this.addNode(phlo, node);
	}

	private addNode(phlo: Phlo, init: MultiPartyCallNodeInit): void {
		const nodeId = init.nodeId ?? randomUUID();
		const key = nodeId.toLowerCase();
		if (phlo.nodes.has(key)) throw new Error(`node ${nodeId} already exists in PHLO ${phlo.phloId}`);
		phlo.nodes.set(key, {
			nodeId,
			phloId: phlo.phloId,
			name: init.name ?? `Multi-Party Call_${phlo.nodes.size + 1}`,
			createdOn: init.createdOn ?? plivoTimestamp(),
		});
	}
}
