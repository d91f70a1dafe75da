"""``reports build --templates DIR``: the user's notebooks replace shipped templates of the
same name, ``DIR/reports.yaml`` declares new kinds (validated strictly), and incremental
builds fingerprint the user's templates too."""

import textwrap

import pytest

from scirocco_lab.cli import main
from scirocco_lab.errors import ConfigurationError
from scirocco_lab.reports.custom import PACKAGE_NOTEBOOKS, load_template_folder

PARAMETERS = 'region = None\nstore_url = None\ninstrument = "scirocco-exchange"'

DECLARATIONS = """\
reports:
  - kind: quick
    scope: region
    reads: [subjects, ratings]
    title: Quick look
  - kind: census
    template: census_notebook
    scope: programme
    reads: [subjects]
    group: Programme extras
"""


@pytest.fixture(scope="session")
def write_template(write_notebook):
    """``write_template(path, source)``: a user's report notebook taking the report parameters."""
    return lambda path, source: write_notebook(path, textwrap.dedent(source), parameters=PARAMETERS)


@pytest.fixture(scope="session")
def template_folder(write_template):
    """``template_folder(folder, declarations=DECLARATIONS)``: a template folder replacing
    region_profile and holding the notebooks of the kinds quick and census."""

    def make(folder, declarations=DECLARATIONS):
        folder.mkdir()
        write_template(
            folder / "region_profile.ipynb",
            """
            from IPython.display import HTML, display
            display(HTML(f"<p>replaced profile of {region}</p>"))
            """,
        )
        write_template(
            folder / "quick.ipynb",
            """
            from IPython.display import HTML, display
            display(HTML(f"<p>quick look at {region}</p>"))
            """,
        )
        write_template(
            folder / "census_notebook.ipynb",
            """
            from IPython.display import HTML, display
            from scirocco_lab.store import open_store, subjects_frame
            keys = sorted(subjects_frame(open_store(store_url, create=False))["key"])
            display(HTML(f"<p>census: {' '.join(keys)}</p>"))
            """,
        )
        (folder / "reports.yaml").write_text(declarations, encoding="utf-8")
        return folder

    return make


def build_with(url, out, templates, *extra):
    arguments = ["--store", url, "reports", "build", "--out", str(out), "--quiet"]
    return main([*arguments, "--templates", str(templates), *extra])


@pytest.fixture(scope="module")
def built(tmp_path_factory, seeded_store, template_folder):
    """One build of the small store (regions vale and empty) with the template folder:
    (store URL, output folder, template folder, exit status)."""
    root = tmp_path_factory.mktemp("custom")
    url = seeded_store(root / "s.db", synthetic=True)
    templates = template_folder(root / "templates")
    status = build_with(url, root / "out", templates)
    return url, root / "out", templates, status


def test_a_notebook_named_like_a_shipped_template_replaces_it(built):
    _url, out, _templates, status = built
    assert status == 0
    assert "replaced profile of vale" in (out / "regions" / "vale.html").read_text("utf-8")


def test_a_declared_region_kind_gives_one_report_per_region(built):
    _url, out, _templates, _status = built
    for region in ("vale", "empty"):
        page = out / "custom" / "quick" / f"{region}.html"
        assert f"quick look at {region}" in page.read_text("utf-8")


def test_a_declared_programme_kind_gives_one_report(built):
    _url, out, _templates, _status = built
    assert "census: empty vale" in (out / "custom" / "census.html").read_text("utf-8")


def test_the_index_lists_declared_kinds_under_their_group(built):
    _url, out, _templates, _status = built
    index = (out / "index.html").read_text("utf-8")
    assert "Programme extras" in index and 'href="custom/census.html"' in index
    assert 'href="custom/quick/vale.html"' in index


def test_shipped_templates_not_replaced_still_run(built):
    _url, out, _templates, _status = built
    assert (out / "twinning" / "programme.html").is_file()


def test_changing_a_user_template_rebuilds_only_its_reports(
    tmp_path, seeded_store, capsys, template_folder, write_template
):
    url = seeded_store(tmp_path / "s.db", synthetic=True)
    templates = template_folder(tmp_path / "templates")
    out = tmp_path / "out"
    assert build_with(url, out, templates) == 0
    assert build_with(url, out, templates) == 0
    assert "nothing to build" in capsys.readouterr().out
    write_template(
        templates / "quick.ipynb",
        """
        from IPython.display import HTML, display
        display(HTML(f"<p>second look at {region}</p>"))
        """,
    )
    assert build_with(url, out, templates) == 0
    printed = capsys.readouterr().out
    assert "2 report(s) built" in printed
    assert "custom/quick/vale.html" in printed and "regions/vale.html" not in printed
    assert "second look at vale" in (out / "custom" / "quick" / "vale.html").read_text("utf-8")


def test_a_build_without_the_folder_goes_back_to_the_shipped_templates(
    tmp_path, seeded_store, template_folder
):
    url = seeded_store(tmp_path / "s.db", synthetic=True)
    out = tmp_path / "out"
    assert build_with(url, out, template_folder(tmp_path / "templates")) == 0
    assert main(["--store", url, "reports", "build", "--out", str(out), "--quiet"]) == 0
    assert "replaced profile" not in (out / "regions" / "vale.html").read_text("utf-8")


@pytest.mark.parametrize(
    ("declarations", "named"),
    [
        ("reports: [\n", "line 2"),
        ("kinds: []\n", "`reports:`"),
        ("reports: {kind: quick}\n", "must be a list"),
        ("reports:\n  - kind: quick\n    reads: [subjects]\n", "report 1, scope: missing"),
        (
            "reports:\n  - {kind: quick, scope: county, reads: [subjects]}\n",
            "report 1, scope: 'county'",
        ),
        (
            "reports:\n  - {kind: quick, scope: region, reads: [subjects, salaries]}\n",
            "reads: unknown table(s) salaries",
        ),
        ("reports:\n  - {kind: quick, scope: region, reads: []}\n", "reads: expected a list"),
        (
            "reports:\n  - {kind: Quick Look, scope: region, reads: [subjects]}\n",
            "kind: 'Quick Look' is not a name",
        ),
        (
            "reports:\n  - {kind: twinning, scope: region, reads: [subjects]}\n",
            "kind: 'twinning' is a shipped kind",
        ),
        (
            "reports:\n  - {kind: quick, template: absent, scope: region, reads: [subjects]}\n",
            "template: no notebook absent.ipynb",
        ),
        (
            "reports:\n  - {kind: quick, template: ../quick, scope: region, reads: [subjects]}\n",
            "template: '../quick' is not a notebook name",
        ),
        (
            "reports:\n  - {kind: quick, scope: region, reads: [subjects], path: /etc}\n",
            "path: unknown field",
        ),
        (
            "reports:\n  - {kind: quick, scope: region, reads: [subjects]}\n"
            "  - {kind: quick, scope: region, reads: [subjects]}\n",
            "report 2, kind: 'quick' is declared twice",
        ),
        ("reports:\n  - {kind: quick, kind: census}\n", "duplicate key 'kind'"),
    ],
)
def test_a_bad_declaration_is_refused_naming_the_file_and_field(
    tmp_path, seeded_store, capsys, template_folder, declarations, named
):
    url = seeded_store(tmp_path / "s.db", synthetic=True)
    templates = template_folder(tmp_path / "templates", declarations)
    assert build_with(url, tmp_path / "out", templates) == 2
    message = capsys.readouterr().err
    assert str(templates / "reports.yaml") in message and named in message
    assert "Traceback" not in message
    assert not (tmp_path / "out").exists()


def test_a_missing_template_folder_is_refused(tmp_path, seeded_store, capsys):
    url = seeded_store(tmp_path / "s.db", synthetic=True)
    assert build_with(url, tmp_path / "out", tmp_path / "absent") == 2
    assert "absent: not a folder" in capsys.readouterr().err


def test_a_notebook_neither_replacing_nor_declared_is_reported(
    tmp_path, template_folder, write_template
):
    templates = template_folder(tmp_path / "templates", "reports: []\n")
    write_template(templates / "region-profile.ipynb", "pass")
    folder = load_template_folder(templates)
    assert folder.unused() == ("census_notebook", "quick", "region-profile")


def test_declarations_are_validated_when_loaded(tmp_path, template_folder):
    templates = template_folder(tmp_path / "templates", "reports: [{kind: x}]\n")
    with pytest.raises(ConfigurationError, match="scope: missing"):
        load_template_folder(templates)


def test_reports_templates_copies_the_shipped_notebooks_to_start_from(tmp_path, capsys):
    assert main(["reports", "templates", str(tmp_path / "mine"), "region_profile"]) == 0
    copied = tmp_path / "mine" / "region_profile.ipynb"
    assert copied.read_bytes() == (PACKAGE_NOTEBOOKS / "region_profile.ipynb").read_bytes()
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["region_profile.ipynb"]
    assert "--templates" in capsys.readouterr().out


def test_reports_templates_never_overwrites_a_file(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "twinning.ipynb").write_text("my edits", encoding="utf-8")
    assert main(["reports", "templates", str(folder)]) == 2
    assert "twinning.ipynb already exist" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["twinning.ipynb"]
    assert (folder / "twinning.ipynb").read_text("utf-8") == "my edits"


def test_reports_templates_refuses_an_unknown_name(tmp_path, capsys):
    assert main(["reports", "templates", str(tmp_path / "mine"), "region-profile"]) == 2
    assert "no shipped report template region-profile" in capsys.readouterr().err
    assert not (tmp_path / "mine").exists()
