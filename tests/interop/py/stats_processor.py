"""A PvaPy user processor that declares user statistics, for comparing status PV layouts with pvastream's."""

import pvaccess as pva
from pvapy.hpc.userDataProcessor import UserDataProcessor


class StatsProcessor(UserDataProcessor):
    def process(self, pvObject):
        return pvObject

    def getStats(self):
        return {'nFrames': 0, 'load': 0.0, 'label': ''}

    def getStatsPvaTypes(self):
        return {'nFrames': pva.UINT, 'load': pva.DOUBLE, 'label': pva.STRING}
