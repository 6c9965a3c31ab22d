"""`powerstruggle view`: watch and steer a replay in the browser (a Mesa SolaraViz app).

Needs the optional extra `powerstruggle[viz]`; nothing in the core package imports this folder. Only
`state.py` reads the model's internals, so a change of the model's state touches one file here.
"""
