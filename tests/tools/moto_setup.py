"""Prepare a moto server for the STS tests, then turn its signature checking on.

Usage: moto_setup.py ENDPOINT [--no-auth] ROLES...
Creates the IAM user `alice` with an access key and an allow-all policy, and one role per name
(trusting any principal, allowed everything), then POSTs /moto-api/reset-auth so that every
later request must be signed by a known key. Prints {"access_key_id", "secret_access_key"}.
"""

import json
import sys
import urllib.request

import botocore.session

endpoint, roles = sys.argv[1], sys.argv[2:]
# --no-auth: leave signature checking off (moto cannot serve unsigned calls with it on).
auth = "--no-auth" not in roles
roles = [r for r in roles if r != "--no-auth"]
session = botocore.session.get_session()
iam = session.create_client(
    "iam",
    region_name="us-east-1",
    endpoint_url=endpoint,
    aws_access_key_id="setup",
    aws_secret_access_key="setup",
)
allow_all = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
trust_all = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
)
iam.create_user(UserName="alice")
iam.put_user_policy(UserName="alice", PolicyName="all", PolicyDocument=allow_all)
key = iam.create_access_key(UserName="alice")["AccessKey"]
for role in roles:
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust_all)
    iam.put_role_policy(RoleName=role, PolicyName="all", PolicyDocument=allow_all)
request = urllib.request.Request(
    endpoint + "/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"}
)
if auth:
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()
print(json.dumps({"access_key_id": key["AccessKeyId"], "secret_access_key": key["SecretAccessKey"]}))
