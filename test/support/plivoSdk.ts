import * as plivo from 'plivo';

/** The part of Plivo's Node SDK (`plivo` PhloClient, 4.79.0) the tests use: its bundled typings omit most of it. */
export interface UpdateResponse {
	apiId: string;
	error: string;
}

export interface SdkMember {
	/** The HTTP client the SDK forgets to give a member (so its actions never send). */
	client: unknown;
	update(action: string): Promise<UpdateResponse>;
	hold(): Promise<UpdateResponse>;
	unhold(): Promise<UpdateResponse>;
	hangup(): Promise<UpdateResponse>;
	resumeCall(): Promise<UpdateResponse>;
	voicemailDrop(): Promise<UpdateResponse>;
}

export interface SdkMultiPartyCall {
	call(triggerSource: string, to: string, role?: string): Promise<UpdateResponse>;
	warmTransfer(triggerSource: string, to: string, role?: string): Promise<UpdateResponse>;
	coldTransfer(triggerSource: string, to: string, role?: string): Promise<UpdateResponse>;
	abortTransfer(memberAddress: string): Promise<UpdateResponse>;
	member: ((address: string) => SdkMember) & { get(address: string): SdkMember };
}

export interface SdkPhlo {
	run(payload?: Record<string, unknown>): Promise<{ apiId: string; phloId: string; message: string }>;
	multiPartyCall: ((nodeId: string) => SdkMultiPartyCall) & { get(nodeId: string): Promise<Record<string, unknown>> };
}

export interface SdkPhloClient {
	phlo: ((phloId: string) => SdkPhlo) & {
		get(phloId: string): Promise<{ apiId: string; phloId: string; name: string; createdOn: string; authId: string }>;
	};
}

/** The official client pointed at a PHLO runner (the simulator), as a user would configure it. */
export const sdkClient = (runner: { url: string; authId: string }, authToken: string): SdkPhloClient =>
	new plivo.PhloClient(runner.authId, authToken, { url: `${runner.url}/v1` }) as unknown as SdkPhloClient;
