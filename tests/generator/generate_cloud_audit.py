#!/usr/bin/env python3
"""Deterministic cloud audit records for Cepheid's tests and benchmark (docs/cloud-audit.md).

Writes the scenario fixtures of tests/data/cloud/ (small, checked in) or, with --benchmark N, N CloudTrail records
a line each (CloudTrail Lake's export) for cepheid-bench. Nothing is random: the same arguments give the same bytes.

Each record follows its provider's documented schema; the fields written, and where each is documented:
  AWS CloudTrail   eventVersion, eventTime, eventSource, eventName, awsRegion, sourceIPAddress, userAgent,
                   userIdentity{type, principalId, arn, accountId, accessKeyId}, requestParameters,
                   responseElements, errorCode, errorMessage, eventID, readOnly, eventType,
                   managementEvent, recipientAccountId, eventCategory
                   - docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
                   - Lambda's requestParameters and responseElements (functionName, authType, functionUrl,
                     principal, functionUrlAuthType): docs.aws.amazon.com/lambda/latest/api/ (CreateFunctionUrlConfig,
                     AddPermission) and docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html
  Google Cloud     LogEntry{insertId, logName, timestamp, receiveTimestamp, severity, resource{type, labels},
                   protoPayload{@type AuditLog, serviceName, methodName, resourceName, authenticationInfo
                   {principalEmail}, requestMetadata{callerIp, callerSuppliedUserAgent}, request, response, status}}
                   - cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry
                   - cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog
                   - Cloud Run methods and the Service's status.url: cloud.google.com/run/docs/audit-logging and
                     cloud.google.com/run/docs/reference/rest/v1/namespaces.services
  Azure Activity   records[]{time, resourceId, operationName, category, resultType, resultSignature,
                   callerIpAddress, correlationId, identity{claims{…/upn}}, level, location, properties}
                   - learn.microsoft.com/azure/azure-monitor/essentials/activity-log-schema ("Schema from storage
                     account and event hubs")
                   - Microsoft.Web operations: learn.microsoft.com/azure/role-based-access-control/permissions/web
  Cloudflare       {"result": [{id, action{type, result}, actor{email, id, ip, type}, interface, metadata,
                   newValue, oldValue, owner{id}, resource{id, type}, when}], "success": true}
                   - developers.cloudflare.com/api/resources/audit_logs/ (the v1 audit log object)
                   - Logpush dataset fields: developers.cloudflare.com/logs/reference/log-fields/account/audit_logs
"""

import argparse
import json
import os
from datetime import datetime, timedelta, timezone

START = datetime(2025, 3, 4, 9, 0, 0, tzinfo=timezone.utc)  # a Tuesday, 09:00 UTC
ACCOUNT = "111122223333"


def rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def cloudtrail(n, moment, name, actor, ip, agent, request, response=None, error=None, source="lambda.amazonaws.com",
               region="us-east-1"):
    record = {
        "eventVersion": "1.08",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDA" + actor.upper()[:12], "accountId": ACCOUNT,
                         "arn": f"arn:aws:iam::{ACCOUNT}:user/{actor}", "accessKeyId": "AKIA" + actor.upper()[:12]},
        "eventTime": rfc3339(moment), "eventSource": source, "eventName": name, "awsRegion": region,
        "sourceIPAddress": ip, "userAgent": agent, "requestParameters": request, "responseElements": response,
        "requestID": f"req-{n:08d}", "eventID": f"00000000-0000-4000-8000-{n:012d}",
        "readOnly": name.startswith(("List", "Get")), "eventType": "AwsApiCall", "managementEvent": True,
        "recipientAccountId": ACCOUNT, "eventCategory": "Management",
    }
    if error:
        record["errorCode"] = error
        record["errorMessage"] = f"User: arn:aws:iam::{ACCOUNT}:user/{actor} is not authorized to perform: {name}"
    return record


def lambda_url_scenario():
    """Enumeration refused, then a function made and opened to anyone with a function URL (AuthType NONE)."""
    ip, agent, actor = "10.1.2.3", "aws-cli/2.15.0 Python/3.11.6 Windows/10 exe/AMD64 prompt/off command/lambda", "dev-temp"
    fn = "relay-fn"
    url = "https://k3x7p2qv9m4tz8wd5rjn6ybc1fhs0lae.lambda-url.us-east-1.on.aws/"
    records = [cloudtrail(i, START + timedelta(minutes=i), "ListFunctions20150331", actor, ip, agent, None,
                          error="AccessDenied") for i in range(3)]
    records.append(cloudtrail(3, START + timedelta(minutes=10), "CreateFunction20150331", actor, ip, agent,
                              {"functionName": fn, "runtime": "python3.12", "handler": "index.handler",
                               "role": f"arn:aws:iam::{ACCOUNT}:role/relay-role"},
                              {"functionName": fn, "functionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{fn}"}))
    records.append(cloudtrail(4, START + timedelta(minutes=11), "CreateFunctionUrlConfig20211031", actor, ip, agent,
                              {"functionName": fn, "authType": "NONE"},
                              {"functionUrl": url, "functionArn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{fn}",
                               "authType": "NONE", "creationTime": rfc3339(START + timedelta(minutes=11))}))
    records.append(cloudtrail(5, START + timedelta(minutes=12), "AddPermission20150331v2", actor, ip, agent,
                              {"functionName": fn, "statementId": "FunctionURLAllowPublicAccess",
                               "action": "lambda:InvokeFunctionUrl", "principal": "*", "functionUrlAuthType": "NONE"},
                              {"statement": "{\"Sid\":\"FunctionURLAllowPublicAccess\"}"}))
    # A service outside Cepheid's reading, to show it is skipped by kind.
    records.append(cloudtrail(6, START + timedelta(minutes=13), "GetCallerIdentity", actor, ip, agent, None,
                              source="sts.amazonaws.com"))
    return {"Records": records}


def cloudflare_entry(n, moment, actor_email, ip, verb, script, subdomain, result=True):
    return {"id": f"6a3e1f00-0000-4000-8000-{n:012d}", "action": {"type": verb, "result": result},
            "actor": {"email": actor_email, "id": "a-" + actor_email.split("@")[0],
                      "ip": ip, "type": "user"},
            "interface": "API", "metadata": {"script_name": script, "subdomain": subdomain},
            "newValue": "", "oldValue": "", "owner": {"id": "acct-7f3c"},
            "resource": {"id": script, "type": "workers.script"}, "when": rfc3339(moment)}


def cloudflare_scenario(actor, ip, history=0):
    """A deploy of the Worker `relay` on the account subdomain `acme` (relay.acme.workers.dev); `history` earlier
    deploys by the same actor on earlier weekdays, at the same hour."""
    days = (8, 7, 1)[-history:] if history else ()
    entries = [cloudflare_entry(i, START - timedelta(days=day), actor, ip, "deploy", "relay", "acme")
               for i, day in enumerate(days)]
    entries.append(cloudflare_entry(history, START, actor, ip, "deploy", "relay", "acme"))
    # A DNS change in the same log: skipped by kind.
    entries.append({"id": "6a3e1f00-0000-4000-8000-999999999999", "action": {"type": "update", "result": True},
                    "actor": {"email": actor, "id": "x", "ip": ip, "type": "user"}, "interface": "API",
                    "metadata": {}, "owner": {"id": "acct-7f3c"}, "resource": {"id": "rec1", "type": "DNS_record"},
                    "when": rfc3339(START + timedelta(minutes=1))})
    return {"result": entries, "success": True, "errors": [], "messages": []}


def gcp_entry(n, moment, method, resource_name, labels, request=None, response=None):
    return {"insertId": f"ins{n:06d}", "logName": "projects/acme-prod/logs/cloudaudit.googleapis.com%2Factivity",
            "timestamp": rfc3339(moment), "receiveTimestamp": rfc3339(moment + timedelta(seconds=2)),
            "severity": "NOTICE", "resource": {"type": "cloud_run_revision", "labels": labels},
            "protoPayload": {"@type": "type.googleapis.com/google.cloud.audit.AuditLog",
                             "status": {}, "serviceName": "run.googleapis.com", "methodName": method,
                             "resourceName": resource_name,
                             "authenticationInfo": {"principalEmail": "eve.intern@acme.example"},
                             "requestMetadata": {"callerIp": "10.1.2.3",
                                                 "callerSuppliedUserAgent": "google-cloud-sdk gcloud/460.0.0 command/gcloud.run.deploy"},
                             "request": request or {}, "response": response or {}}}


def cloud_run_scenario():
    """A Cloud Run service replaced with new code, then opened to allUsers (roles/run.invoker)."""
    labels = {"project_id": "acme-prod", "service_name": "relay", "location": "us-central1"}
    name = "namespaces/acme-prod/services/relay"
    return [
        gcp_entry(1, START, "google.cloud.run.v1.Services.ReplaceService", name, labels,
                  {"service": {"metadata": {"name": "relay"}}},
                  {"status": {"url": "https://relay-3kq7x2mpfa-uc.a.run.app"}}),
        gcp_entry(2, START + timedelta(minutes=2), "google.cloud.run.v1.Services.SetIamPolicy",
                  "projects/acme-prod/locations/us-central1/services/relay", labels,
                  {"resource": "projects/acme-prod/locations/us-central1/services/relay",
                   "policy": {"bindings": [{"role": "roles/run.invoker", "members": ["allUsers"]}]}}),
    ]


def azure_record(moment, operation, result, site):
    resource = f"/SUBSCRIPTIONS/0B1F6471-1BF0-4DDA-AEC3-CB9272F09590/RESOURCEGROUPS/RG-APPS/PROVIDERS/MICROSOFT.WEB/SITES/{site.upper()}"
    return {"time": moment.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"), "resourceId": resource, "operationName": operation,
            "category": "Administrative", "resultType": result, "resultSignature": "Succeeded.OK" if result == "Success" else "Started.",
            "durationMs": "412", "callerIpAddress": "10.1.2.3", "correlationId": f"c0ffee00-0000-4000-8000-{int(moment.timestamp()):012d}",
            "identity": {"claims": {"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn": "oscar@acme.example",
                                    "appid": "04b07795-8ddb-461a-bbee-02f9e1bf7b46"}},
            "level": "Information", "location": "westeurope", "properties": {"statusCode": "OK"}}


def azure_scenario():
    """A publish profile fetched (deployment credentials), then a function written to the app acme-relay."""
    site = "acme-relay"
    records = []
    for minutes, op in ((0, "MICROSOFT.WEB/SITES/PUBLISHXML/ACTION"), (3, "MICROSOFT.WEB/SITES/FUNCTIONS/WRITE")):
        records.append(azure_record(START + timedelta(minutes=minutes), op, "Start", site))
        records.append(azure_record(START + timedelta(minutes=minutes, seconds=1), op, "Success", site))
    return {"records": records}


def benchmark(count, out):
    """count CloudTrail records a line each: a tenth Lambda changes and invocations, the rest other services."""
    names = ["UpdateFunctionCode20150331v2", "Invoke", "GetFunction20150331v2", "UpdateFunctionConfiguration20150331v2"]
    for i in range(count):
        moment = START + timedelta(seconds=i)
        if i % 10 == 0:
            # 37 callers and 211 functions, coprime: a (caller, function) pair comes back every 21.7 hours, so
            # nearly every call of a change is a change finding of its own (the analysis's worst case).
            j = i // 10
            name = names[j % len(names)]
            record = cloudtrail(i, moment, name, f"user{j % 37}", f"10.{(j // 256) % 256}.{j % 256}.9",
                                "aws-cli/2.15.0", {"functionName": f"fn-{j % 211}"},
                                error="AccessDeniedException" if j % 97 == 0 else None)
        else:
            record = cloudtrail(i, moment, "DescribeInstances", f"user{i % 50}", "198.51.100.7", "console.amazonaws.com",
                                {"maxResults": 100}, source="ec2.amazonaws.com")
        out.write(json.dumps(record, separators=(",", ":")) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "data", "cloud"))
    parser.add_argument("--benchmark", type=int, metavar="N", help="write N CloudTrail lines to --out (a file)")
    args = parser.parse_args()
    if args.benchmark:
        with open(args.out, "w", encoding="utf-8") as out:
            benchmark(args.benchmark, out)
        return
    os.makedirs(args.out, exist_ok=True)
    fixtures = {
        "lambda-url-public.cloudtrail.json": lambda_url_scenario(),
        "cloudflare-deploy-unknown.json": cloudflare_scenario("mallory@contractor.example", "10.1.2.3"),
        "cloudflare-deploy-ci.json": cloudflare_scenario("ci-deploy@acme.example", "10.9.0.15", history=3),
        "cloud-run-allusers.gcp.json": cloud_run_scenario(),
        "azure-function-publish.activity.json": azure_scenario(),
    }
    for name, content in fixtures.items():
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as out:
            json.dump(content, out, indent=1)
            out.write("\n")


if __name__ == "__main__":
    main()
