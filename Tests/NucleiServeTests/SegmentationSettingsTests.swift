import Testing
import NucleiServe
import NucleiSeg

struct SegmentationSettingsTests {
    @Test func defaultsAreThoseOfPredict() throws {
        let settings = try SegmentationSettings(query: [:])
        let predict = PredictionOptions()
        #expect(settings.predictionOptions.instances == predict.instances)
        #expect(settings.minimumArea == 8)
        #expect(settings.splitTouching && settings.fillHoles && !settings.testTimeAugmentation)
    }

    @Test func queryValuesReachThePredictionOptions() throws {
        let settings = try SegmentationSettings(query: ["min_area": "20", "split": "false", "fill_holes": "0", "threshold": "0.35", "tta": "on", "channel": "1", "name": "x.png"])
        let options = settings.predictionOptions
        #expect(options.instances.minimumArea == 20)
        #expect(!options.instances.splitTouching)
        #expect(!options.instances.fillHoles)
        #expect(options.instances.threshold == 0.35)
        #expect(options.channel == 1)
        #expect(settings.testTimeAugmentation)
    }

    @Test(arguments: [
        (["min_area": "-1"], "min_area=-1"), (["split": "maybe"], "split=maybe"), (["threshold": "1"], "threshold=1"),
        (["threshold": "abc"], "threshold=abc"), (["minarea": "3"], "minarea=3"),
    ])
    func invalidValuesAreRefusedByName(query: [String: String], shown: String) {
        #expect {
            _ = try SegmentationSettings(query: query)
        } throws: { error in
            guard let error = error as? ServeError, case .invalidOption = error else { return false }
            return error.status == 400 && error.description.contains(shown)
        }
    }

    @Test func uploadNamesLoseFoldersAndOddCharacters() {
        #expect(SegmentationServer.safeFileName("../../etc/passwd") == "passwd")
        #expect(SegmentationServer.safeFileName("C:\\data\\cells 1.tif") == "cells_1.tif")
        #expect(SegmentationServer.safeFileName(".hidden.png") == "hidden.png")
        #expect(SegmentationServer.safeFileName("") == "image")
        #expect(SegmentationServer.safeFileName("é.png") == "_.png")
    }

    @Test func measurementTableParsesTheCSV() {
        let table = MeasurementTable.parse("label,area,mean_intensity\n1,12,3.5000\n2,7,\n")
        #expect(table.columns == ["label", "area", "mean_intensity"])
        #expect(table.rows == [[1, 12, 3.5], [2, 7, nil]])
    }

    /// A model's recorded post-processing is the default of every request; the query still wins.
    @Test func aModelsRecordedSettingIsTheDefault() throws {
        var tuned = InstanceExtractionOptions.nuclei
        tuned.threshold = 0.4
        tuned.minimumMarkerDynamic = 1
        let settings = try SegmentationSettings(query: [:], defaults: tuned)
        #expect(settings.threshold == 0.4)
        #expect(settings.predictionOptions.instances == tuned)
        let asked = try SegmentationSettings(query: ["threshold": "0.6"], defaults: tuned)
        #expect(asked.predictionOptions.instances.threshold == 0.6)
        #expect(asked.predictionOptions.instances.minimumMarkerDynamic == 1)
    }
}
