// Placeholder: the control-plane service is being built.
export {};
