"""Demo and volume data: the 周口 demo city (`city`, `manage.py load_demo`), the volume generator
(`volume`, `manage.py generate_petitions`) and the fake people both use (`fake`).

The top of the dependency order: it may import every app, and no app imports it.
"""
