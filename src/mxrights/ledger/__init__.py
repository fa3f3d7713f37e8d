"""What the documents say and what was read elsewhere: vocabulary, claims, evidence, hunts, facts."""
