"""REFI-QDA exchange tables: the parts of imported projects the workbench keeps but does not use.

An imported .qdpx or .qdc is one ``qda_projects`` row. What the evaluation tables have no
place for is kept here so an export gives it back (see docs/refi-qda.md):

* ``qda_parts``: project-level items kept verbatim as XML (Variables, Cases, Notes, Links,
  Graphs, NoteRefs, non-text sources) and code sets, one row per item, in file order;
* ``qda_files``: files of the .qdpx zip the workbench does not read (PDFs, pictures, audio,
  rich text), as bytes;
* ``qda_element_extras``: per code, source, selection, coding or user (by guid), the
  attributes and child elements the evaluation tables do not hold, as JSON.

Portable types only (SQLite and PostgreSQL).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from scirocco_lab.store.schema import metadata

__all__ = ["qda_element_extras", "qda_files", "qda_parts", "qda_projects"]

_GUID = 64

qda_projects = Table(
    "qda_projects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(10), nullable=False),  # qdpx | qdc
    Column("name", String(500)),
    Column("origin", String(500)),  # the software that wrote the file
    Column("file_name", String(500), nullable=False),
    Column("region", String(100)),  # the --region the import was given, if any
    Column("creating_user", String(_GUID)),
    Column("created_at", DateTime(timezone=True)),
    Column("description", Text),
    Column("attributes", Text),  # JSON [[name, value], ...]: other Project attributes
    Column("imported_at", DateTime(timezone=True), nullable=False),
)

qda_parts = Table(
    "qda_parts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "project_id",
        Integer,
        ForeignKey("qda_projects.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    # Variables, Cases, Notes, Links, Graphs, NoteRef (XML), Sources (XML of a non-text
    # source) or Sets (JSON of a code set the workbench does not interpret).
    Column("section", String(20), nullable=False),
    Column("position", Integer, nullable=False),
    Column("guid", String(_GUID)),
    Column("kind", String(30)),  # element name, e.g. PDFSource
    Column("content", Text, nullable=False),
)

qda_files = Table(
    "qda_files",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "project_id",
        Integer,
        ForeignKey("qda_projects.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("path", String(1000), nullable=False),  # zip member, e.g. sources/<guid>.pdf
    Column("data", LargeBinary, nullable=False),
    UniqueConstraint("project_id", "path", name="qda_file_path"),
)

qda_element_extras = Table(
    "qda_element_extras",
    metadata,
    Column("kind", String(20), primary_key=True),  # user | code | source | selection | coding
    Column("guid", String(_GUID), primary_key=True),  # lower case, without braces
    Column("project_id", Integer, ForeignKey("qda_projects.id", ondelete="SET NULL")),
    Column("data", Text, nullable=False),  # JSON object
)
