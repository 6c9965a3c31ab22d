"""A chronicle of one replicate: its alliances, votes and sanctions as dated plain sentences.

The point is to read a simulated run the way a historian summarises the real one ("Nov 1927:
Trotsky is expelled from the party"), so a user can judge whether a replicate tells a plausible story.
Bodies and offices are called by the scenario's names (`[names]`, recorded in the run's manifest): the
Presidium and the First Secretary in 1953, the Politburo and the General Secretary in 1924.
"""

from sim.chronicle.sentences import event_sentence, vote_sentence
from sim.chronicle.story import chronicle, chronicle_of
from sim.chronicle.words import EVENT_KINDS

__all__ = ["EVENT_KINDS", "chronicle", "chronicle_of", "event_sentence", "vote_sentence"]
