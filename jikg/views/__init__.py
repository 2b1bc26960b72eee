"""Interactive offline network views of the graph, and network analytics.

``project`` turns the RDF dataset into a networkx graph (SPARQL in
``queries/views/``), ``analytics`` measures it, ``plan`` chooses the views,
``timeline`` lays out the agreements in time, ``render`` writes the pages with
pyvis and the bundled vis-network, ``site`` writes the whole ``views/`` folder.
Nothing here is imported by the rest of the package at start-up: pyvis costs
~160 ms to import, so callers import the module they need when they need it.
"""
