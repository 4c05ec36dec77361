"""The port of the reference scoring module: pure functions, no I/O, no site concepts.

One module per scorecard, each with its compute function and its text and
markdown formats; `report` runs them all the way `sitegen score` does;
`sections` lists the report's sections once. Import the modules themselves
(`sitegen.scoring.report`): this package imports nothing, so that reading the
contract (site.toml's defaults) does not load every scorecard.
"""
