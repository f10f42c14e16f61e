"""Demo data for `manage.py load_demo`: a 周口-like city, its units, demo logins and ~300 cases.

Modules: `org` (areas and units), `logins` (accounts), `xinfang.demo.fake` (fictitious petitioners),
`texts` (case texts per 内容分类), `plan` (the case list, pure data), `schedule` (the moment of each
step) and `loader` (service calls, each at its moment).
"""
