"""Print what botocore reads from an AWS config or credentials file, as JSON.

    python botocore_read.py config|credentials PATH

config: botocore.configloader.load_config (profiles by name, the way the SDK uses them);
credentials: botocore.configloader.raw_config_parse (sections as written). Errors go to
stderr with exit status 1.
"""

import json
import sys

from botocore import configloader


def main() -> int:
    kind, path = sys.argv[1], sys.argv[2]
    try:
        if kind == "config":
            data = configloader.load_config(path)
        else:
            data = configloader.raw_config_parse(path)
    except Exception as e:  # noqa: BLE001 - any refusal is reported, not raised
        print(f"botocore: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    json.dump(data, sys.stdout, sort_keys=True, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
