"""How botocore (the AWS CLI's config reader) reads files and the environment, for tests/doctor.rs.

argv[1] is a JSON list of requests; the answer is a JSON list with one result per request:
  ["config", PATH]        -> {"ok": load_config(PATH)}            (profiles, sso_sessions, ...)
  ["credentials", PATH]   -> {"ok": raw_config_parse(PATH)}       (what the credentials provider reads)
  ["session", ENV]        -> {"ok": {"profile": ..., "method": ..., "access_key": ...}}
                             a botocore Session under exactly the variables ENV
Any exception is {"error": "ExceptionClassName"}.
"""

import json
import os
import sys

import botocore.configloader
import botocore.session


def session(env):
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    # No instance metadata lookups: tests never leave the machine.
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    try:
        s = botocore.session.Session()
        profile = s.get_config_variable("profile")
        s.get_scoped_config()
        creds = s.get_credentials()
        return {
            "profile": profile,
            "method": creds.method if creds else None,
            "access_key": creds.access_key if creds else None,
        }
    finally:
        os.environ.clear()
        os.environ.update(saved)


def answer(request):
    kind, arg = request
    try:
        if kind == "config":
            return {"ok": botocore.configloader.load_config(arg)}
        if kind == "credentials":
            return {"ok": botocore.configloader.raw_config_parse(arg, parse_subsections=False)}
        if kind == "session":
            return {"ok": session(arg)}
        raise ValueError(kind)
    except Exception as e:  # the class name is the answer
        return {"error": type(e).__name__}


print(json.dumps([answer(r) for r in json.loads(sys.argv[1])]))
