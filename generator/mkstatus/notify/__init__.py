"""`mkstatus notify`: each published update, once, to every subscriber, from CI.

The stages, in the order a run goes: ``events`` (what there is to tell: the feeds'
entries, same ids, plus the clock's maintenance reminders), ``ledger`` (what each
destination was already told, in the repository), ``message`` (the words and the signed
webhook's Statuspage-shaped JSON), ``channels`` (Apprise, our webhook, the WebSub hub,
each attempt under a total deadline, secrets kept out of every text) and ``run``, which
plans and delivers. Nothing here imports MkDocs or click.
"""
