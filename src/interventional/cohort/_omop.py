"""placeholder"""
OMOP_TABLES = {}
def read_omop(*a, **k): raise NotImplementedError
def write_omop(*a, **k): raise NotImplementedError
