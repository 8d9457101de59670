"""Write tests/golden/<query>.json from the real graph: `python tests/golden/update_goldens.py [NAME...]`.

Review the diff before committing: a golden states what a canned query must answer, so check each
changed number against the source and the competency questions; never regenerate to make a test pass.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from canned_support import built_store, catalogue, golden_of, golden_path
from clusterkg.canned.federation import uses_service
from clusterkg.canned.runner import CannedQueries


def main(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = built_store(Path(tmp))
        try:
            canned = CannedQueries(catalogue(), store)
            for query in canned.catalogue:
                if (names and query.name not in names) or uses_service(query.text):
                    continue
                golden = golden_of(canned, query.name)
                text = json.dumps(golden, ensure_ascii=False, indent=1) + "\n"
                golden_path(query.name).write_text(text, encoding="utf-8")
                print(f"{query.name}: {len(golden['rows'])} rows")
        finally:
            store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
