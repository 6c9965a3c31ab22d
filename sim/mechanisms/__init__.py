"""The ten mechanisms of the model brief, one module each; each reads and writes the model's state."""
