"""Drug vocabulary, dosing and corticosteroid equivalence."""

__all__: list[str] = []
