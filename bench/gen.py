#!/usr/bin/env python3
"""Generate a large, realistic pair of AWS files for the awsp benchmark.

    bench/gen.py [OUT_DIR] [--profiles N]

Writes OUT_DIR/config and OUT_DIR/credentials (OUT_DIR defaults to bench/out/) with N
profiles (default 10,000; ~1.4 MB in all), deterministic for a given N (fixed seed):

- static-key profiles in the credentials file (some with session tokens, comments, and a
  matching `[profile NAME]` in the config file for region/output),
- role profiles (`role_arn` + `source_profile`, chained through earlier roles, some with
  `mfa_serial`, `role_session_name`, `duration_seconds`),
- config-only profiles (region/output, some with an `s3 =` block of sub-properties),
- SSO profiles that use `sso_session` (with `[sso-session NAME]` sections) and legacy ones
  with `sso_start_url`,
- `[default]` in both files, group comments and blank lines.

The profile defined last (end of the config file, and last in sorted order) is
`zzz-bench-last`: a role whose `source_profile` chain ends in static keys. The script prints
the file sizes and, on its last line, `last_profile=NAME`.
"""

import argparse
import os
import random
import string
import sys

SEED = 20240611
LAST_PROFILE = "zzz-bench-last"

TEAMS = [
    "payments", "search", "identity", "data", "ml", "platform", "web", "mobile",
    "billing", "growth", "infra", "security", "analytics", "ads", "media", "support",
]
ENVS = ["dev", "test", "staging", "prod", "sandbox", "qa"]
ROLES = ["admin", "readonly", "deploy", "poweruser", "billing", "audit", "ops", "ci"]
REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
    "eu-central-1", "eu-north-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1",
    "ap-south-1", "ca-central-1", "sa-east-1",
]
PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]
B64 = string.ascii_letters + string.digits + "+/"
UPPER_ALNUM = string.ascii_uppercase + "234567"


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", nargs="?", default=os.path.join(here, "out"))
    ap.add_argument("--profiles", type=int, default=10_000)
    args = ap.parse_args()
    if args.profiles < 10:
        ap.error("--profiles must be at least 10")

    rng = random.Random(SEED)
    config, credentials = generate(rng, args.profiles)

    os.makedirs(args.out_dir, exist_ok=True)
    paths = {}
    for name, text in (("config", config), ("credentials", credentials)):
        path = os.path.join(args.out_dir, name)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(text) + "\n")
        paths[name] = path

    total = 0
    for name, path in paths.items():
        size = os.path.getsize(path)
        total += size
        print(f"{name:<12} {path}  {size:>9,} bytes")
    print(f"{'total':<12} {args.profiles:,} profiles  {total:>9,} bytes ({total / 1e6:.2f} MB, {total / 2**20:.2f} MiB)")
    print(f"last_profile={LAST_PROFILE}")
    return 0


def account(rng: random.Random) -> str:
    return "".join(rng.choice(string.digits) for _ in range(12))


def access_key(rng: random.Random, prefix: str = "AKIA") -> str:
    return prefix + "".join(rng.choice(UPPER_ALNUM) for _ in range(16))


def secret_key(rng: random.Random) -> str:
    return "".join(rng.choice(B64) for _ in range(40))


def session_token(rng: random.Random) -> str:
    # Real STS tokens are several hundred base64 characters.
    return "IQoJb3JpZ2luX2VjE" + "".join(rng.choice(B64) for _ in range(rng.randint(250, 350)))


def generate(rng: random.Random, count: int) -> tuple[list[str], list[str]]:
    cfg: list[str] = []
    cred: list[str] = []

    cfg += ["# ~/.aws/config: generated for the awsp benchmark (bench/gen.py).", ""]
    cfg += ["[default]", f"region = {rng.choice(REGIONS)}", "output = json", ""]
    cred += ["# ~/.aws/credentials: generated for the awsp benchmark (bench/gen.py).", ""]
    cred += ["[default]", f"aws_access_key_id = {access_key(rng)}",
             f"aws_secret_access_key = {secret_key(rng)}", ""]

    sessions = [f"{team}-sso" for team in TEAMS] + ["corp", "corp-eu", "partners"]
    for s in sessions:
        cfg += [f"[sso-session {s}]",
                f"sso_start_url = https://{s.replace('-', '')}.awsapps.com/start",
                f"sso_region = {rng.choice(REGIONS[:8])}",
                "sso_registration_scopes = sso:account:access", ""]

    statics: list[str] = ["default"]
    roles: list[str] = []
    # `default` and the last profile are two of the `count`.
    for i in range(count - 2):
        if i % 40 == 0:
            group = TEAMS[(i // 40) % len(TEAMS)]
            cfg += [f"# ---- {group} accounts (block {i // 40}) ----", ""]
            cred += [f"# ---- {group} ----", ""]
        team = rng.choice(TEAMS)
        env = rng.choice(ENVS)
        kind = rng.choices(["static", "role", "config", "sso", "sso-legacy"],
                           weights=[44, 26, 15, 10, 5])[0]
        if kind == "static":
            name = f"{team}-{env}-{i}"
            statics.append(name)
            if rng.random() < 0.2:
                cred.append(f"# {rng.choice(PEOPLE)}'s keys, rotated 2024-{rng.randint(1, 12):02d}-"
                            f"{rng.randint(1, 28):02d}")
            cred += [f"[{name}]", f"aws_access_key_id = {access_key(rng)}",
                     f"aws_secret_access_key = {secret_key(rng)}"]
            if rng.random() < 0.04:
                cred[-2] = f"aws_access_key_id = {access_key(rng, 'ASIA')}"
                cred.append(f"aws_session_token = {session_token(rng)}  # temporary session")
            cred.append("")
            if rng.random() < 0.2:
                cfg += [f"[profile {name}]", f"region = {rng.choice(REGIONS)}"]
                if rng.random() < 0.5:
                    cfg.append("output = json")
                cfg.append("")
        elif kind == "role":
            name = f"{team}-{env}-{rng.choice(ROLES)}-{i}"
            source = rng.choice(roles) if roles and rng.random() < 0.3 else rng.choice(statics)
            roles.append(name)
            cfg += [f"[profile {name}]",
                    f"role_arn = arn:aws:iam::{account(rng)}:role/{rng.choice(ROLES).title()}",
                    f"source_profile = {source}"]
            if rng.random() < 0.2:
                cfg.append(f"mfa_serial = arn:aws:iam::{account(rng)}:mfa/{rng.choice(PEOPLE)}")
            if rng.random() < 0.8:
                cfg.append(f"region = {rng.choice(REGIONS)}")
            if rng.random() < 0.2:
                cfg.append(f"role_session_name = {rng.choice(PEOPLE)}-{env}")
            if rng.random() < 0.1:
                cfg.append("duration_seconds = 3600")
            cfg.append("")
        elif kind == "config":
            name = f"{team}-{env}-cli-{i}"
            cfg += [f"[profile {name}]", f"region = {rng.choice(REGIONS)}",
                    f"output = {rng.choice(['json', 'text', 'table', 'yaml'])}"]
            if rng.random() < 0.15:
                cfg += ["s3 =", f"  max_concurrent_requests = {rng.choice([10, 20, 50])}",
                        "  multipart_threshold = 64MB"]
            if rng.random() < 0.1:
                cfg.append("cli_pager =")
            cfg.append("")
        elif kind == "sso":
            name = f"{team}-{env}-sso-{i}"
            cfg += [f"[profile {name}]",
                    f"sso_session = {rng.choice(sessions)}",
                    f"sso_account_id = {account(rng)}",
                    f"sso_role_name = {rng.choice(['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess', 'Developer'])}",
                    f"region = {rng.choice(REGIONS)}", ""]
        else:
            name = f"{team}-{env}-legacy-{i}"
            cfg += [f"[profile {name}]  # pre-2022 SSO setup",
                    f"sso_start_url = https://{team}.awsapps.com/start",
                    f"sso_region = {rng.choice(REGIONS[:8])}",
                    f"sso_account_id = {account(rng)}",
                    f"sso_role_name = {rng.choice(['AdministratorAccess', 'ReadOnlyAccess'])}",
                    f"region = {rng.choice(REGIONS)}", ""]

    # The last profile: a role over the last role generated, so `show` walks a chain.
    cfg += ["# The profile the benchmark shows and uses (bench/run.sh).",
            f"[profile {LAST_PROFILE}]",
            "role_arn = arn:aws:iam::123456789012:role/BenchLast",
            f"source_profile = {roles[-1] if roles else statics[-1]}",
            "mfa_serial = arn:aws:iam::123456789012:mfa/alice",
            "region = eu-central-1", ""]
    return cfg, cred


if __name__ == "__main__":
    sys.exit(main())
