"""Assembles the correction graph; nodes live in graph.nodes, decisions in graph.planning."""

from __future__ import annotations

import threading
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from graph import nodes
from graph.context import GraphDeps
from graph.state import CorrectionState

CompiledGraph = CompiledStateGraph[CorrectionState, GraphDeps, CorrectionState, CorrectionState]

_compiled: dict[int, tuple[Any, CompiledGraph]] = {}
_lock = threading.Lock()


def assemble() -> StateGraph[CorrectionState, GraphDeps, CorrectionState, CorrectionState]:
    """The uncompiled graph: check (-> extract -> check)? -> [correct|combine -> verify]* -> end.

    Nodes route themselves (``Command``); the node that stops the loop also writes the result.
    """
    builder = StateGraph(CorrectionState, context_schema=GraphDeps)
    builder.add_node("extract", nodes.extract_node)
    builder.add_node("check", nodes.check_node, destinations=("extract", "correct", END))
    builder.add_node("correct", nodes.correct_node, destinations=("verify", "correct", "combine", END))
    builder.add_node("combine", nodes.combine_node)
    builder.add_node("verify", nodes.verify_node, destinations=("correct", "combine", END))
    builder.add_edge(START, "check")
    builder.add_edge("extract", "check")
    builder.add_edge("combine", "verify")
    return builder


def build_graph(checkpointer: Any = None) -> CompiledGraph:
    """The compiled graph for a checkpointer (None: no checkpoints), compiled once and reused."""
    key = id(checkpointer)
    with _lock:
        cached = _compiled.get(key)
        if cached is None or cached[0] is not checkpointer:
            cached = (checkpointer, assemble().compile(checkpointer=checkpointer))
            _compiled[key] = cached
        return cached[1]
