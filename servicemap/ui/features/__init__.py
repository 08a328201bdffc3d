"""The window's features, in the one place they are listed. Each is a class taking a
:class:`servicemap.ui.api.Host`; :func:`servicemap.ui.app.make_window` installs them in this
order (the order only decides the order of entries within a menu section)."""

from __future__ import annotations


def all_features() -> tuple[type, ...]:
    from servicemap.ui.features.analysis.feature import AnalysisFeature
    from servicemap.ui.features.arrange import ArrangeFeature
    from servicemap.ui.features.clipboard import ClipboardFeature
    from servicemap.ui.features.comments import CommentsFeature
    from servicemap.ui.features.compare_scenarios.feature import CompareScenariosFeature
    from servicemap.ui.features.diff import DiffFeature
    from servicemap.ui.features.exchange import ExchangeFeature
    from servicemap.ui.features.export.feature import ExportFeature
    from servicemap.ui.features.layout import LayoutFeature
    from servicemap.ui.features.notes import NotesFeature
    from servicemap.ui.features.pathsimr import PathSimRFeature
    from servicemap.ui.features.pathway_picture import PathwayPictureFeature
    from servicemap.ui.features.review import ReviewFeature
    from servicemap.ui.features.scenarios import ScenariosFeature
    from servicemap.ui.features.simulation import SimulationFeature
    from servicemap.ui.features.structure import StructureFeature
    from servicemap.ui.features.targets import TargetsFeature

    return (ClipboardFeature, StructureFeature, NotesFeature, LayoutFeature, ArrangeFeature,
            ReviewFeature, ExportFeature, PathwayPictureFeature, CommentsFeature,
            AnalysisFeature, ExchangeFeature, PathSimRFeature, DiffFeature, TargetsFeature,
            ScenariosFeature, CompareScenariosFeature, SimulationFeature)
