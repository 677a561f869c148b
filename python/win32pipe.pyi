import pywintypes

error = pywintypes.error
