/** The error `run` throws, which must be an instance of `type` (fails the test otherwise). */
export function thrownBy<E extends Error>(run: () => unknown, type: new (...args: never[]) => E): E {
	try {
		run();
	} catch (error) {
		if (error instanceof type) return error;
		throw error;
	}
	throw new Error(`expected a ${type.name}`);
}
