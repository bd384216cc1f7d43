"""Forming groups from a candidate pool: the rules, a CP-SAT model, a greedy baseline."""
