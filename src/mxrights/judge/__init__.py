"""The verdicts: recomputations from primary data, the verdict rules, memo over memo, survey figures."""
