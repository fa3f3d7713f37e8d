"""The build: processed tables, the notebook plan and its keys, kernels, the runner, the step cache, parameters."""
