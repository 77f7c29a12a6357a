"""`schema`: print the JSON Schema of fact files (or of dossier.yaml), for editors."""

from __future__ import annotations

import json

from briefing.foundation.options import Options


def run(options: Options) -> int:
    from briefing.dossier.model import dossier_schema, fact_file_schema

    if options.schema == "export":
        from briefing.brief.export_schema import export_schema

        schema = export_schema()
    else:
        schema = dossier_schema() if options.schema == "dossier" else fact_file_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0
