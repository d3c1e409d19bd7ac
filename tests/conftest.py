import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))  # tools/ scripts import each other
sys.path.insert(0, str(Path(__file__).resolve().parent / "wrong_answers"))  # their shared answer_template
