"""`qbank check-package`: check exported QTI packages against the official IMS schemas a user has.

Exit codes: 0 every package is valid; 1 problems found (QB010 diagnostics, in the lint
formats); 2 usage errors, a package that does not exist, a schema folder that cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import Command, Output, format_option, output_option


@click.command("check-package", cls=Command)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--schemas", "schemas_dir", required=True, type=click.Path(path_type=Path),
              help="Folder holding the IMS schemas: imsqti_v2p1.xsd, imscp_v1p1.xsd (with the files they "
                   "import) and ims_qtiasiv1p2p1.dtd, found anywhere under it.")
@format_option
@output_option
def check_package(files, schemas_dir, report_format, output_file):
    """Validate QTI 1.2 and 2.1 packages (qbank export --qti12/--qti21, or any IMS content
    package) against the official IMS schemas in --schemas: the manifest against IMS CP 1.1,
    QTI 2.1 items and tests against the QTI 2.1 XSD, a QTI 1.2 assessment against its DTD.
    qbank cannot ship the schemas; the test suite validates with the same code."""
    from ..package_check import SchemaError, check_package as check, load_schemas
    from ..report import render

    try:
        schemas = load_schemas(schemas_dir)
    except SchemaError as exc:
        click.echo(f"qbank check-package: cannot use the schema folder {schemas_dir}: {exc}", err=True)
        sys.exit(2)
    problems = [d for path in files for d in check(path, schemas)]
    out = Output(output_file)
    out.write(render(problems, report_format, len(files)))
    out.close()
    sys.exit(1 if problems else 0)
