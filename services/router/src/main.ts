// Placeholder: the router service is being built.
export {};
