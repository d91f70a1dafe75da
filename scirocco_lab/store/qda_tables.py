"""Old import path of the REFI-QDA exchange tables, kept for one release: use
:mod:`scirocco_lab.evaluation.tables`."""

from scirocco_lab.evaluation.tables import qda_element_extras, qda_files, qda_parts, qda_projects

__all__ = ["qda_element_extras", "qda_files", "qda_parts", "qda_projects"]
