"""The parts of the synthetic registries' generator (``generator`` is its entry point): the
tables' shape and reference data, the people and households being built, and the records of each
registry. One builder class is assembled from them in layers (``base`` → ``registry_records`` →
``enterprises`` → ``households`` → ``settling`` → ``demo_people`` → ``generator._Builder``), each
calling only the layers below it; their underscored names are private to this package."""
