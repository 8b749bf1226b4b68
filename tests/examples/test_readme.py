"""The README's example is the example test module, verbatim, so the docs cannot drift."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_embeds_the_example_module_verbatim() -> None:
    example = (ROOT / "tests/examples/test_consumer_example.py").read_text()
    assert f"```python\n{example}```" in (ROOT / "README.md").read_text()
