"""Checks that the AWS template gives the worker's headers and time limits (make deploy-check).

The template's response headers policy must carry exactly the security headers the worker
sets (worker/src/headers.rs, SECURITY_HEADERS; worker/src/server.rs, HSTS), and the
function and CloudFront must wait longer than the worker's own request limit
(worker/src/timeout.rs, REQUEST_TIMEOUT), so a change to one side fails here rather than
in a deployment. Run with the Python of cfn-lint's virtualenv (it has PyYAML):
    python check-headers.py REPOSITORY_ROOT TEMPLATE
"""

import re
import sys
from pathlib import Path

import yaml


class TemplateLoader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Ref, !Sub, ...) as plain values."""


def _any_tag(loader, _suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


TemplateLoader.add_multi_constructor("!", _any_tag)


def rust_str_const(source, name):
    """The value of `pub const NAME: &str = "...";`, its `\\` line continuations joined."""
    match = re.search(r"const " + name + r': &str = "(.*?)";', source, re.S)
    if not match:
        sys.exit(f"check-headers: no const {name} found")
    return re.sub(r"\\\n\s*", "", match.group(1))


def main():
    root, template_path = Path(sys.argv[1]), Path(sys.argv[2])
    headers_rs = (root / "worker/src/headers.rs").read_text()
    server_rs = (root / "worker/src/server.rs").read_text()
    timeout_rs = (root / "worker/src/timeout.rs").read_text()
    consts = {
        "CONTENT_SECURITY_POLICY": rust_str_const(headers_rs, "CONTENT_SECURITY_POLICY"),
        "PERMISSIONS_POLICY": rust_str_const(headers_rs, "PERMISSIONS_POLICY"),
    }
    table = re.search(r"SECURITY_HEADERS: \[\(&str, &str\); \d+\] = \[(.*?)\];", headers_rs, re.S)
    if not table:
        sys.exit("check-headers: SECURITY_HEADERS not found in worker/src/headers.rs")
    worker = {}
    for name, value in re.findall(r'\("([a-z-]+)",\s*("[^"]*"|[A-Z_]+)\)', table.group(1)):
        worker[name] = value.strip('"') if value.startswith('"') else consts[value]
    hsts = rust_str_const(server_rs, "HSTS")
    timeout = re.search(r"REQUEST_TIMEOUT: Duration = Duration::from_secs\((\d+)\)", timeout_rs)
    if not timeout:
        sys.exit("check-headers: REQUEST_TIMEOUT not found in worker/src/timeout.rs")
    request_timeout = int(timeout.group(1))

    template = yaml.load(template_path.read_text(), Loader=TemplateLoader)
    resources = template["Resources"]
    policy = resources["SecurityHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = policy["SecurityHeadersConfig"]
    custom = {item["Header"].lower(): item for item in policy["CustomHeadersConfig"]["Items"]}
    sts = security["StrictTransportSecurity"]
    aws = {
        "content-security-policy": security["ContentSecurityPolicy"]["ContentSecurityPolicy"],
        "x-content-type-options": "nosniff" if "ContentTypeOptions" in security else None,
        "referrer-policy": security["ReferrerPolicy"]["ReferrerPolicy"],
        "x-frame-options": security["FrameOptions"]["FrameOption"],
    }
    overrides = [security[key].get("Override") for key in security]
    for name, item in custom.items():
        aws[name] = item["Value"]
        overrides.append(item.get("Override"))
    aws_hsts = f"max-age={sts['AccessControlMaxAgeSec']}" + (
        "; includeSubDomains" if sts.get("IncludeSubdomains") else ""
    ) + ("; preload" if sts.get("Preload") else "")

    problems = []
    for name, value in worker.items():
        if aws.get(name) != value:
            problems.append(f"{name}: the worker sends {value!r}, the template {aws.get(name)!r}")
    for name in aws:
        if name not in worker:
            problems.append(f"{name}: set by the template, not by the worker")
    if aws_hsts != hsts:
        problems.append(f"strict-transport-security: the worker sends {hsts!r}, the template {aws_hsts!r}")
    if not all(overrides):
        problems.append("every header of the policy must override (Override: true), as the worker's layer does")

    function_timeout = resources["WorkerFunction"]["Properties"]["Timeout"]
    origins = resources["Distribution"]["Properties"]["DistributionConfig"]["Origins"]
    api = next(origin for origin in origins if origin["Id"] == "api")
    read_timeout = api["CustomOriginConfig"]["OriginReadTimeout"]
    if not request_timeout < function_timeout <= read_timeout:
        problems.append(
            f"timeouts: the worker cuts at {request_timeout} s, so the function's Timeout "
            f"({function_timeout}) must be longer and CloudFront's OriginReadTimeout "
            f"({read_timeout}) at least as long"
        )

    if problems:
        for problem in problems:
            print(f"check-headers: {problem}", file=sys.stderr)
        sys.exit(1)
    print(
        f"check-headers: {len(worker)} security headers and HSTS as the worker sends them; "
        f"timeouts {request_timeout} s < {function_timeout} s <= {read_timeout} s"
    )


if __name__ == "__main__":
    main()
