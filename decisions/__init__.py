"""The rules core: a DMN 1.3 evaluator (all hit policies, FEEL unary tests, verifier, explanations), the
condition→action rule-set adapter and the Chinese working-day calendar. ``tables/<area>/*.dmn`` holds the
decision tables themselves. Imports nothing of ours but ``security``."""
