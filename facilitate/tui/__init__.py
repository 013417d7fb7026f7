"""The facilitator's terminal UI (Textual): console and projector screens over the engine."""
