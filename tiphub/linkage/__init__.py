"""Counting each victim once: privacy-preserving record linkage (domain.md §4).

Each organisation encodes its people's identifying fields into keyed Bloom filters on its
own machine (:mod:`.schema`, :mod:`.encoding`, :mod:`.normalise`); only the encodings and
non-identifying analytic fields reach the hub. The hub finds candidate pairs
(:mod:`.blocking`, :mod:`.kernel`) with an engine — :mod:`.local` on every core, or
:mod:`.spark` on a Spark cluster, which must give the same persons — then
:mod:`.cluster` turns scored pairs into persons. :mod:`.types` holds what they exchange.
"""
