__version__ = "0.1.0"
from . import images  # registers the image data specs (mnist:, cifar10-lt:, images:, ...) with load_dataset

# The scikit-learn estimators and samplers at the top level (`imbal_nb.EGClassifier`), imported on first use so
# that `import imbal_nb` stays light.
def __getattr__(name):
    if name.endswith(('Classifier', 'Sampler')) or name in ('save_model', 'load_model', 'make_classifier'):
        from imbal_nb import api
        if hasattr(api, name): return getattr(api, name)
    raise AttributeError(f"module 'imbal_nb' has no attribute {name!r}")
